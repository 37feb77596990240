import { detectModel } from '@ctxkit/tokenizers';
for (const [p, m] of [['ollama','qwen2.5-coder:7b'],['mistral','mistral-large-latest'],['ollama','mistral-nemo'],['google','gemini-2.5-flash'],['deepseek','deepseek-chat'],['openrouter','openai/gpt-4o'],['openai','gpt-5-codex'],['ollama','dolphin3:8b']]) console.log(p, m, JSON.stringify(detectModel(p, m)));
