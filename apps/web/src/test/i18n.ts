import type { i18n as I18n } from 'i18next';

import { initI18n, type Language } from '../i18n/i18n.js';
import { translation as en } from '../i18n/translation-en.js';
import { translation as ru } from '../i18n/translation-ru.js';

/** A ready i18next instance for tests: both languages' strings bundled, no loading step. */
export function createI18n(language: Language = 'en'): I18n {
  const instance = initI18n(language, language === 'ru' ? ru : en);
  instance.addResourceBundle(
    language === 'ru' ? 'en' : 'ru',
    'translation',
    language === 'ru' ? en : ru,
  );
  return instance;
}
