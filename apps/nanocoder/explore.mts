import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { renderQwenChat } from './src/testing/chatml.ts';
import { startScriptedServer } from './src/testing/scripted-server.ts';
import { makeSandbox, node22, runCli } from './src/testing/run-nanocoder.ts';
import { PROMPT, sessionFiles, sessionTurns } from './src/testing/session.ts';
const qwen = createVocabularyTokenizer('qwen2');
const lines = Number(process.argv[2] ?? 60);
for (const withCtxkit of [false, true]) {
  const server = await startScriptedServer({ turns: sessionTurns(), contextLimit: 8192, model: 'qwen2.5-coder:7b', countRequest: (b) => qwen.countTokens(renderQwenChat(b)) });
  const sb = makeSandbox(sessionFiles(lines), [{ name: 'local', baseUrl: server.url, models: ['qwen2.5-coder:7b'], contextWindow: 8192 }]);
  const run = await runCli(node22()!, sb, ['--plain', '--json', '--trust-directory', '--mode', 'yolo', 'run', PROMPT], { withCtxkit });
  await server.close();
  console.log(withCtxkit, run.code, Math.round(run.ms), JSON.stringify(server.seen));
  console.log(run.stdout.slice(0, 400)); console.log(run.stderr.slice(0, 800));
}
