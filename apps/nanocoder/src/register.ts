/**
 * `node --import @ctxkit/nanocoder/register …/nanocoder/dist/cli.js` — routes
 * the Nanocoder run through ctxkit (see the package README). Importing this
 * module has that side effect and nothing else.
 *
 * @packageDocumentation
 */
import { fileURLToPath } from 'node:url';
import { locateNanocoder } from './locate.js';
import { registerNanocoderHooks } from './register-hooks.js';

// Running on sources (tests, `--conditions=@ctxkit/source`) the siblings are `.ts`.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const check = registerNanocoderHooks({
  root: locateNanocoder([process.cwd(), fileURLToPath(new URL('.', import.meta.url))]),
  hooksUrl: new URL(`./loader-hooks${ext}`, import.meta.url),
  runtimeUrl: new URL(`./runtime${ext}`, import.meta.url),
});

/** Whether the hooks were registered, and for which Nanocoder (or why not). */
export const nanocoderPatch = check;
