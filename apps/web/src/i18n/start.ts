import { detectLanguage, loadTranslation } from './i18n.js';

// main.tsx imports this module first, so the language's strings (a chunk of their own) are
// requested while the rest of the entry's modules evaluate, not after them.
export const language = detectLanguage();
export const translation = loadTranslation(language);
