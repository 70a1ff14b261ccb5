// Public surface of the wire-format layer (see CONTRACT.md).
export * from './protocol.types.js';
export * from './protocol.constants.js';
export * from './signature.js';
export * from './digest.js';
export * from './text.js';
export * from './properties.codec.js';
export * from './errors.table.js';
export * from './limits.js';
export * from './xml.errors.js';
export * from './xml.codec.js';
export { decodeLeafContent } from './xml.leaf.js';
