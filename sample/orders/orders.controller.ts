import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import { MQConsumerRegistry, type MQConsumerInfo } from '../../lib/index.js';
import { CreateOrderDto } from './create-order.dto.js';
import { OrderNotFoundError, OrderNotPayableError, type Order } from './order.model.js';
import { OrdersService } from './orders.service.js';

@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly registry: MQConsumerRegistry,
  ) {}

  @Post('orders')
  create(
    @Body(new ValidationPipe({ transform: true, whitelist: true })) dto: CreateOrderDto,
  ): Promise<Order> {
    return this.orders.create(dto);
  }

  @Post('orders/:id/pay')
  @HttpCode(200)
  async pay(@Param('id') id: string): Promise<Order> {
    try {
      return await this.orders.pay(id);
    } catch (error) {
      throw toHttp(error);
    }
  }

  @Get('orders')
  list(): Order[] {
    return this.orders.list();
  }

  @Get('orders/:id')
  get(@Param('id') id: string): Order {
    try {
      return this.orders.get(id);
    } catch (error) {
      throw toHttp(error);
    }
  }

  /** The consumers and transaction checkers of the app, with their status and in-flight count. */
  @Get('mq/consumers')
  consumers(): MQConsumerInfo[] {
    return this.registry.list();
  }
}

function toHttp(error: unknown): unknown {
  if (error instanceof OrderNotFoundError) return new NotFoundException(error.message);
  if (error instanceof OrderNotPayableError) return new ConflictException(error.message);
  return error;
}
