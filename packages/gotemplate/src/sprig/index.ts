// The sprig 3.2.3 function map (sprig.TxtFuncMap()), as Go's text/template sees it.

import { def, type FuncDef, GoError } from '../funcs.js';
import { STRING } from '../go/types.js';
import { collectionFuncs } from './collections.js';
import { dateFuncs } from './date.js';
import { defaultFuncs } from './defaults.js';
import { miscFuncs } from './misc.js';
import { numericFuncs } from './numeric.js';
import { regexFuncs, semverFuncs } from './regex-semver.js';
import { stringFuncs } from './strings.js';
import { str } from './util.js';

/** Every function of sprig.TxtFuncMap() by name. */
export const sprigFuncs: Map<string, FuncDef> = new Map(
  Object.entries({
    ...dateFuncs,
    ...stringFuncs,
    ...numericFuncs,
    ...defaultFuncs,
    ...collectionFuncs,
    ...miscFuncs,
    ...regexFuncs,
    ...semverFuncs,
    fail: def(
      [STRING],
      STRING,
      (a) => {
        throw new GoError(str(a[0] ?? null));
      },
      { hasError: true },
    ),
  }),
);
