import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/**
 * `ValidationPipe` for message payloads: turns the JSON into the DTO class and rejects what does
 * not match. The rejection names every failing property (the default message is only "Bad
 * Request"), which is what the MQ log line and the `message.failed` event carry.
 */
export function eventValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors) => new BadRequestException(`invalid payload: ${describe(errors)}`),
  });
}

function describe(errors: ValidationError[]): string {
  return errors
    .map((e) => `${e.property} (${Object.values(e.constraints ?? {}).join('; ') || 'invalid'})`)
    .join(', ');
}
