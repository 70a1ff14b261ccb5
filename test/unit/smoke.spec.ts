import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

@Injectable()
class Dep {
  v = 1;
}
@Injectable()
class Svc {
  constructor(readonly dep: Dep) {}
}
@Module({ providers: [Dep, Svc] })
class M {}

describe('toolchain', () => {
  it('boots a Nest 12 testing module under ESM Jest', async () => {
    const ref = await Test.createTestingModule({ imports: [M] }).compile();
    expect(ref.get(Svc).dep.v).toBe(1);
    await ref.close();
  });
});
