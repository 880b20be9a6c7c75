import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The layer rule (DESIGN.md): app → worker client; worker → tuning → engine. Each layer lists what it must
// not import, so a wrong-way import fails `npm run lint`.
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [`**/${group}/**`, `**/${group}`], message })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'public', '.gpu'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  layer(['src/engine/**'], ['tuning', 'worker', 'app'], 'engine is the bottom layer: it imports nothing above it'),
  layer(['src/tuning/**'], ['worker', 'app'], 'tuning may import engine only'),
  layer(['src/worker/**'], ['app'], 'the worker never imports the UI'),
  // The UI reaches compute only through the worker client; type-only imports of the protocol are fine.
  {
    files: ['src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // …except the dependency-free modules below (method cards, training defaults), which it reads as data.
            {
              regex: '(^|/)(engine|tuning)(/|$)(?!methods/cards/|train-config\\.ts$|discrete/baseline-rows\\.ts$)',
              message: 'the UI talks only to the worker client (src/worker/client.ts)',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // Modules the UI may import must stay dependency-free: no runtime import outside the method cards.
  {
    files: ['src/tuning/methods/cards/**', 'src/tuning/train-config.ts', 'src/tuning/discrete/baseline-rows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./[\\w.-]+\\.ts$|\\./methods/cards/)',
              message: 'the UI imports this module: import only types, or other method cards',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
