// The module's entry: EXTENSIONS=./examples/prompt-translator loads this folder.
export * from './src';
