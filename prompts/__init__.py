"""The prompt templates (Markdown files beside this one), installed as the package `wenda_prompts`."""
