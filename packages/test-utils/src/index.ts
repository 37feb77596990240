// Everything the workspace's tests and benchmarks share (see README.md). Private, never built:
// consumers resolve these sources through the `@ctxkit/source` export condition.
export * from './acp-client.js';
export * from './claude-code-reference.js';
export * from './conversation-arbitraries.js';
export * from './loopback.js';
export * from './messages.js';
export * from './ollama-server.js';
export * from './openai-scripted-server.js';
export * from './qwen-chat-template.js';
export * from './raw-logs.js';
export * from './seeded-random.js';
export * from './static-server.js';
export * from './tmux.js';
export * from './transcripts.js';
export * from './tsx-script.js';
