// Every filter templates can use, by Ansible/Jinja name.

import { CORE_FILTERS } from './core.js';
import { STRING_FILTERS } from './strings.js';
import { LIST_FILTERS } from './lists.js';
import { DICT_FILTERS } from './dicts.js';
import { SERIALIZE_FILTERS } from './serialize.js';
import { IPADDR_FILTERS } from './ipaddr.js';
import { RANDOM_FILTERS } from './random.js';
import type { FilterFn } from './types.js';

export const FILTERS: Record<string, FilterFn> = {
  ...CORE_FILTERS,
  ...STRING_FILTERS,
  ...LIST_FILTERS,
  ...DICT_FILTERS,
  ...SERIALIZE_FILTERS,
  ...IPADDR_FILTERS,
  ...RANDOM_FILTERS,
};
