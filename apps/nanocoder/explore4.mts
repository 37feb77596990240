import { usageRecorder } from './src/usage.ts';
const t = Date.now();
try { const r = usageRecorder(); console.log('ok', Date.now() - t); r.record({ provider: 'local', model: 'qwen', usage: { inputTokens: { total: 10 }, outputTokens: { total: 2 } } }); await r.flush(); console.log('flushed', Date.now()-t); } catch (e) { console.log('ERR', e); }
