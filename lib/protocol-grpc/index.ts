// Public surface of the RocketMQ 5 (gRPC) wire layer, shared by the emulator's gRPC front and the
// RocketMQ 5 client (see CONTRACT.md). No emulator or client knowledge here.
export * from './grpc.loader.js';
export * from './grpc.types.js';
export * from './grpc.status.js';
export * from './grpc.auth.js';
export * from './grpc.digest.js';
export * from './grpc.time.js';
export * from './grpc.limits.js';
