/** Every search attribute the workflows upsert: the core ones and each registered provider's own. */
import { CORE_SEARCH_ATTRIBUTES } from '../core/workflow/search-attributes';
import { PROVIDERS } from '../providers';

export interface SearchAttributeDefinition {
  name: string;
  /** As the dev server's `--search-attribute Name=Type` flag spells it. */
  type: 'Keyword' | 'Text';
}

export function searchAttributeDefinitions(): SearchAttributeDefinition[] {
  const keys = [...CORE_SEARCH_ATTRIBUTES, ...PROVIDERS.flatMap((p) => p.searchAttributes)];
  return keys.map((key) => {
    if (key.type !== 'KEYWORD' && key.type !== 'TEXT')
      throw new Error(`Search attribute ${key.name}: only Keyword and Text are registered`);
    return { name: key.name, type: key.type === 'KEYWORD' ? 'Keyword' : 'Text' };
  });
}
