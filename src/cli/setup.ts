import { Command } from 'commander';
import { registerSearchAttributes } from '../temporal/search-attributes';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../workflows/search-attributes';
import { say } from './output';
import { cliTemporal } from './temporal';

export function setupCommand(): Command {
  return new Command('setup')
    .description("Register the workflows' search attributes (provider, number, step, name, Trust Product) on an existing cluster; safe to run again")
    .addHelpText('after', `\nAttributes: ${SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => `${d.name} (${d.type})`).join(', ')}\nThe dev server of \`npm run dev\` registers them at start; this is for other clusters.`)
    .action(async () => {
      const temporal = await cliTemporal();
      try {
        const added = await registerSearchAttributes(temporal.connection, temporal.namespace);
        say(added.length > 0 ? `Registered ${added.join(', ')} in namespace ${temporal.namespace}.` : `All search attributes already registered in namespace ${temporal.namespace}.`);
      } finally {
        await temporal.close();
      }
    });
}
