/**
 * Renders an OpenAI chat request the way Qwen2.5's chat template
 * does (ChatML, tools listed in the system turn, calls as `<tool_call>` JSON,
 * results as `<tool_response>`), so the scripted server can count it with the
 * exact Qwen2 vocabulary like a llama.cpp server would — independently of how
 * ctxkit frames messages.
 */
import type { OpenAIRequest } from './openai-scripted-server.js';

function text(content: OpenAIRequest['messages'][number]['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => p.text ?? '').join('');
}

/** The prompt text a Qwen2.5 server would tokenize for this request. */
export function renderQwenChat(body: OpenAIRequest): string {
  const out: string[] = [];
  const system = body.messages.filter((m) => m.role === 'system').map((m) => text(m.content));
  let sys = system.join('\n\n');
  if (body.tools && body.tools.length > 0) {
    sys +=
      '\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
      body.tools.map((t) => JSON.stringify(t)).join('\n') +
      '\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>';
  }
  out.push(`<|im_start|>system\n${sys}<|im_end|>\n`);
  for (const m of body.messages) {
    if (m.role === 'system') continue;
    if (m.role === 'tool') {
      out.push(`<|im_start|>user\n<tool_response>\n${text(m.content)}\n</tool_response><|im_end|>\n`);
      continue;
    }
    let body2 = text(m.content);
    for (const c of m.tool_calls ?? []) {
      body2 += `\n<tool_call>\n{"name": "${c.function.name}", "arguments": ${c.function.arguments}}\n</tool_call>`;
    }
    out.push(`<|im_start|>${m.role}\n${body2}<|im_end|>\n`);
  }
  out.push('<|im_start|>assistant\n');
  return out.join('');
}
