import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', '.customer-graph/', 'coverage/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'bin/customer-graph.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The type checker already knows every global (typescript-eslint's advice); no-undef misfires on Node ones.
      'no-undef': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Return an exit code; process.exit cuts off pending output.' },
      ],
    },
  },
  {
    // Tests read JSON printed by the CLI; asserting on its shape is the point, typing it adds nothing.
    files: ['test/**/*.ts', 'src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Only the composition root and the test harness read the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/main.ts and pass it down.' },
        { object: 'process', property: 'exit', message: 'Return an exit code; process.exit cuts off pending output.' },
      ],
    },
  },
)
