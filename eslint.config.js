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
    // No SQL text from anything but the code: kysely's raw helpers only in the one module that checks
    // what it is given against closed lists. (Migrations are constant DDL applied before anything is
    // served, and tests are not shipped: both are outside this rule.)
    files: ['src/**/*.ts', 'examples/**/*.ts', 'bin/**/*.js'],
    ignores: ['src/db/trusted-sql.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='sql'][property.name=/^(raw|lit|ref|table|id)$/]",
          message: 'Raw SQL only in src/db/trusted-sql.ts: pass values as parameters (${value} in sql``), or add a checked helper there.',
        },
        {
          selector: "MemberExpression[property.name='ref'][object.type='MemberExpression'][object.property.name='dynamic']",
          message: 'Dynamic references only in src/db/trusted-sql.ts, from a closed list.',
        },
      ],
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
