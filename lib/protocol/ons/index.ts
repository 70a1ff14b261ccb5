// Wire format of the 2017 ONS HTTP API, shared by the client and the emulator (see ../CONTRACT.md).
export * from './ons.constants.js';
export * from './ons.errors.js';
export * from './ons.json.js';
export * from './ons.signature.js';
