export * from './errors.js';
export * from './limits.js';
export * from './documents.js';
export * from './search.js';
export * from './health.js';
export * from './chat.js';
export * from './auth.js';
export * from './openai.js';
