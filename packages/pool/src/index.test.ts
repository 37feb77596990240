import { expect, it } from 'vitest';
import { hello } from './index.js';

it('says hello', () => {
  expect(hello()).toContain('@ctxkit/pool');
});
