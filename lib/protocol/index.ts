export * from './protocol.types.js';
