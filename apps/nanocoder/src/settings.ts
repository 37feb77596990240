import { existsSync, readFileSync } from 'node:fs';
import { nearestName } from '@ctxkit/core';

/** Which summarizer compactions use. */
export type SummarizerChoice = 'model' | 'extractive';

/**
 * ctxkit's settings inside Nanocoder, resolved from the `ctxkit` block of
 * `agents.config.json`, Nanocoder's own `nanocoder.autoCompact` settings and
 * `CTXKIT_*` environment variables (which win).
 */
export interface CtxkitSettings {
  /** Whether ctxkit compacts at all. @default true (Nanocoder's `autoCompact.enabled`) */
  enabled: boolean;
  /**
   * Compact when the next request would use more than this share of the usable window (the window
   * minus the reply's reserve, `replyReserve`). `1` compacts only a request that would not fit.
   * @default 1
   */
  threshold: number;
  /** Compact down to this share of the usable window. @default 0.5 */
  target: number;
  /**
   * `model`: the model Nanocoder talks to writes the summary; `extractive`: ctxkit's
   * deterministic summary. @default Nanocoder's `autoCompact.strategy` (`llm` → `model`)
   */
  summarizer: SummarizerChoice;
  /** Time one summary call may take before the deterministic summary is used. @default 30000 */
  summaryTimeoutMs: number;
  /** The model's window, when Nanocoder's (or the provider's) figure is wrong. @default none */
  contextLimit?: number;
  /** Messages containing any of these texts are pinned: kept verbatim by every compaction. @default [] */
  pins: string[];
  /** Log each request's size and every compaction to stderr. @default false */
  debug: boolean;
}

/** The defaults, before any file or variable. */
export const DEFAULT_SETTINGS: Readonly<CtxkitSettings> = {
  enabled: true,
  threshold: 1,
  target: 0.5,
  summarizer: 'model',
  summaryTimeoutMs: 30_000,
  pins: [],
  debug: false,
};

/**
 * Tokens kept free for the model's reply: a sixteenth of the window, at most 4,096 (512 of 8k, 2,048
 * of 32k). A request the provider would take is compacted only when it would not leave this free.
 *
 * @param contextLimit - the model's window, in tokens
 * @example
 * replyReserve(8192); // 512
 */
export function replyReserve(contextLimit: number): number {
  return Math.min(4096, Math.floor(contextLimit / 16));
}

/** The keys the `ctxkit` block accepts. */
export const SETTING_KEYS = [
  'enabled',
  'threshold',
  'target',
  'summarizer',
  'summaryTimeoutMs',
  'contextLimit',
  'pins',
  'debug',
] as const;

/** Resolved settings plus what was wrong with the input (one line each). */
export interface LoadedSettings {
  settings: CtxkitSettings;
  /** The file the `ctxkit` block was read from, if any. */
  file?: string;
  warnings: string[];
}

/** A share 0–1, or a percentage 1–100 as Nanocoder writes its threshold; undefined when neither. */
function share(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  if (n <= 1) return n;
  if (n <= 100) return n / 100;
  return undefined;
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (/^(1|true|on|yes)$/i.test(value.trim())) return true;
  if (/^(0|false|off|no)$/i.test(value.trim())) return false;
  return undefined;
}

function summarizerOf(value: unknown): SummarizerChoice | undefined {
  if (value === 'model' || value === 'llm') return 'model';
  if (value === 'extractive' || value === 'mechanical' || value === 'deterministic') return 'extractive';
  return undefined;
}

/**
 * Resolves the settings. `files` are the `agents.config.json` candidates in
 * Nanocoder's order (project first, then the user config folder); the first
 * that parses supplies both the `ctxkit` block and `nanocoder.autoCompact`.
 * Precedence, lowest first: defaults, `nanocoder.autoCompact` (enabled,
 * threshold, strategy), the `ctxkit` block, `CTXKIT_*` variables. Bad values
 * and unknown keys are reported in `warnings` and ignored.
 *
 * @param files - candidate paths of `agents.config.json`
 * @param env - the environment (default `process.env`)
 * @example
 * const { settings, warnings } = loadSettings(['./agents.config.json']);
 */
export function loadSettings(files: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadedSettings {
  const settings: CtxkitSettings = { ...DEFAULT_SETTINGS, pins: [] };
  const warnings: string[] = [];
  const out: LoadedSettings = { settings, warnings };
  let config: Record<string, unknown> | undefined;
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') {
        config = parsed as Record<string, unknown>;
        out.file = file;
        break;
      }
    } catch (error) {
      warnings.push(`${file}: not valid JSON, ctxkit settings from it ignored (${(error as Error).message})`);
    }
  }
  const where = out.file ?? 'agents.config.json';
  const nanocoder = config?.nanocoder as Record<string, unknown> | undefined;
  const auto = nanocoder?.autoCompact as Record<string, unknown> | undefined;
  if (auto && typeof auto === 'object') {
    const enabled = bool(auto.enabled);
    if (enabled !== undefined) settings.enabled = enabled;
    const threshold = share(auto.threshold);
    if (threshold !== undefined) settings.threshold = threshold;
    const strategy = summarizerOf(auto.strategy);
    if (strategy !== undefined) settings.summarizer = strategy;
  }
  const block = config?.ctxkit;
  if (block !== undefined && (block === null || typeof block !== 'object' || Array.isArray(block))) {
    warnings.push(`${where}: "ctxkit" must be an object; ignored`);
  } else if (block) {
    applyBlock(block as Record<string, unknown>, settings, warnings, where);
  }
  applyEnv(env, settings, warnings);
  return out;
}

function applyBlock(
  block: Record<string, unknown>,
  settings: CtxkitSettings,
  warnings: string[],
  where: string,
): void {
  const bad = (key: string, expected: string) =>
    warnings.push(`${where}: ctxkit.${key} must be ${expected}, got ${JSON.stringify(block[key])}; ignored`);
  for (const key of Object.keys(block)) {
    if ((SETTING_KEYS as readonly string[]).includes(key)) continue;
    const guess = nearestName(key, SETTING_KEYS);
    warnings.push(
      `${where}: unknown key ctxkit.${key}${guess ? ` (did you mean "${guess}"?)` : ''}; known keys: ${SETTING_KEYS.join(', ')}`,
    );
  }
  if ('enabled' in block) {
    const v = bool(block.enabled);
    if (v === undefined) bad('enabled', 'true or false');
    else settings.enabled = v;
  }
  for (const key of ['threshold', 'target'] as const) {
    if (!(key in block)) continue;
    const v = share(block[key]);
    if (v === undefined) bad(key, 'a share (0–1) or a percentage (1–100)');
    else settings[key] = v;
  }
  if ('summarizer' in block) {
    const v = summarizerOf(block.summarizer);
    if (v === undefined) bad('summarizer', '"model" or "extractive"');
    else settings.summarizer = v;
  }
  if ('summaryTimeoutMs' in block) {
    const v = positiveInt(block.summaryTimeoutMs);
    if (v === undefined) bad('summaryTimeoutMs', 'a positive integer (milliseconds)');
    else settings.summaryTimeoutMs = v;
  }
  if ('contextLimit' in block) {
    const v = positiveInt(block.contextLimit);
    if (v === undefined) bad('contextLimit', 'a positive integer (tokens)');
    else settings.contextLimit = v;
  }
  if ('pins' in block) {
    const v = block.pins;
    if (!Array.isArray(v) || v.some((p) => typeof p !== 'string' || p.length === 0))
      bad('pins', 'a list of non-empty strings');
    else settings.pins = [...(v as string[])];
  }
  if ('debug' in block) {
    const v = bool(block.debug);
    if (v === undefined) bad('debug', 'true or false');
    else settings.debug = v;
  }
}

/** The environment variables, each overriding one setting. */
export const SETTING_ENV = {
  CTXKIT_ENABLED: 'enabled',
  CTXKIT_COMPACT_THRESHOLD: 'threshold',
  CTXKIT_COMPACT_TARGET: 'target',
  CTXKIT_SUMMARIZER: 'summarizer',
  CTXKIT_SUMMARY_TIMEOUT_MS: 'summaryTimeoutMs',
  CTXKIT_CONTEXT_LIMIT: 'contextLimit',
  CTXKIT_DEBUG: 'debug',
} as const;

function applyEnv(env: NodeJS.ProcessEnv, settings: CtxkitSettings, warnings: string[]): void {
  const get = (name: keyof typeof SETTING_ENV) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const bad = (name: string, expected: string) =>
    warnings.push(`${name} must be ${expected}, got ${JSON.stringify(env[name])}; ignored`);
  const enabled = get('CTXKIT_ENABLED');
  if (enabled !== undefined) {
    const v = bool(enabled);
    if (v === undefined) bad('CTXKIT_ENABLED', '1/0, true/false');
    else settings.enabled = v;
  }
  for (const [name, key] of [
    ['CTXKIT_COMPACT_THRESHOLD', 'threshold'],
    ['CTXKIT_COMPACT_TARGET', 'target'],
  ] as const) {
    const raw = get(name);
    if (raw === undefined) continue;
    const v = share(raw);
    if (v === undefined) bad(name, 'a share (0–1) or a percentage (1–100)');
    else settings[key] = v;
  }
  const summarizer = get('CTXKIT_SUMMARIZER');
  if (summarizer !== undefined) {
    const v = summarizerOf(summarizer);
    if (v === undefined) bad('CTXKIT_SUMMARIZER', '"model" or "extractive"');
    else settings.summarizer = v;
  }
  const timeout = get('CTXKIT_SUMMARY_TIMEOUT_MS');
  if (timeout !== undefined) {
    const v = positiveInt(timeout);
    if (v === undefined) bad('CTXKIT_SUMMARY_TIMEOUT_MS', 'a positive integer (milliseconds)');
    else settings.summaryTimeoutMs = v;
  }
  const limit = get('CTXKIT_CONTEXT_LIMIT');
  if (limit !== undefined) {
    const v = positiveInt(limit);
    if (v === undefined) bad('CTXKIT_CONTEXT_LIMIT', 'a positive integer (tokens)');
    else settings.contextLimit = v;
  }
  const debug = get('CTXKIT_DEBUG');
  if (debug !== undefined) settings.debug = bool(debug) ?? true;
}
