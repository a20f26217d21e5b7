// ESLint flat config (`npm run lint`): the recommended rules of ESLint and typescript-eslint, plus type-aware rules
// that catch real bugs — a promise nobody awaits or catches, a promise where a callback's result is ignored, awaiting
// a non-promise, throwing a non-Error, a `return` in a try that skips its catch, a switch missing a case.
//
// Type information comes from TypeScript 6's compiler API: the package "typescript" is an npm alias of
// @typescript/typescript6, because typescript-eslint cannot load TypeScript 7 (which has no JS API before 7.1).
// `tsc` (npm run typecheck) is TypeScript 7, from the alias @typescript/native. Drop both aliases once
// typescript-eslint supports TypeScript 7.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["data/", "runs/", "out/", "tmp/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `catch {}` that falls back to a default is a convention here; any other empty block is still an error.
      "no-empty": ["error", { allowEmptyCatch: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      eqeqeq: ["error", "smart"],
      "no-self-compare": "error",
      "no-template-curly-in-string": "error",
      "no-unreachable-loop": "error",
      "no-constructor-return": "error",
      "array-callback-return": "error",
    },
  },
  {
    // Type-aware rules: the project service reads tsconfig.json. Not taken: no-base-to-string (its 22 hits were all
    // deliberate String() of untrusted JSON or command arguments) and the no-unsafe-* family (noise in test fakes).
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/prefer-promise-reject-errors": "error",
      "@typescript-eslint/no-for-in-array": "error",
      "@typescript-eslint/no-array-delete": "error",
      "@typescript-eslint/no-implied-eval": "error",
      "@typescript-eslint/no-duplicate-type-constituents": "error",
      "@typescript-eslint/require-array-sort-compare": ["error", { ignoreStringArrays: true }],
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    files: ["bot/web/page/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
);
