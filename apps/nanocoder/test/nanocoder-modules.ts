/**
 * Deep imports of Nanocoder's real modules (NEVER the package root:
 * `dist/cli.js` starts the CLI on import). These load on Node 20.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { createTokenizer as NcCreateTokenizer } from '@nanocollective/nanocoder/dist/tokenization/index.js';
import type { calculateTokenBreakdown as NcBreakdown } from '@nanocollective/nanocoder/dist/usage/calculator.js';
import type { capMessagesForModel as NcCap } from '@nanocollective/nanocoder/dist/utils/message-capping.js';
import type { compressMessages as NcCompress } from '@nanocollective/nanocoder/dist/utils/message-compression.js';
import { NANOCODER_ROOT } from './run-nanocoder.js';

const load = <T>(file: string) =>
  import(pathToFileURL(join(NANOCODER_ROOT, 'dist', file)).href) as Promise<T>;

/** Nanocoder's own implementations of what ctxkit replaces. */
export async function nanocoderModules() {
  const [tokenization, calculator, capping, compression] = await Promise.all([
    load<{ createTokenizer: typeof NcCreateTokenizer }>('tokenization/index.js'),
    load<{ calculateTokenBreakdown: typeof NcBreakdown }>('usage/calculator.js'),
    load<{ capMessagesForModel: typeof NcCap }>('utils/message-capping.js'),
    load<{ compressMessages: typeof NcCompress }>('utils/message-compression.js'),
  ]);
  return {
    createTokenizer: tokenization.createTokenizer,
    calculateTokenBreakdown: calculator.calculateTokenBreakdown,
    capMessagesForModel: capping.capMessagesForModel,
    compressMessages: compression.compressMessages,
  };
}
