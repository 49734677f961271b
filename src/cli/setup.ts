import { Command } from 'commander';
import { say } from './output';

export function setupCommand(): Command {
  return (
    new Command('setup')
      .description(
        "Register the workflows' search attributes (provider, number, step, name, Trust Product) on an existing cluster; safe to run again",
      )
      // A function, so the attribute definitions (and @temporalio/common) load only when this help is shown.
      .addHelpText('after', () => {
        const { searchAttributeDefinitions } =
          require('../temporal/search-attribute-definitions') as typeof import('../temporal/search-attribute-definitions');
        return `\nAttributes: ${searchAttributeDefinitions()
          .map((d) => `${d.name} (${d.type})`)
          .join(', ')}\nThe dev server of \`npm run dev\` registers them at start; this is for other clusters.`;
      })
      .action(async () => {
        // Imported when run, so the other commands never load the Temporal client and its protos.
        const [{ registerSearchAttributes }, { cliTemporal }] = await Promise.all([
          import('../temporal/search-attributes'),
          import('./temporal'),
        ]);
        const temporal = await cliTemporal();
        try {
          const added = await registerSearchAttributes(temporal.connection, temporal.namespace);
          say(
            added.length > 0
              ? `Registered ${added.join(', ')} in namespace ${temporal.namespace}.`
              : `All search attributes already registered in namespace ${temporal.namespace}.`,
          );
        } finally {
          await temporal.close();
        }
      })
  );
}
