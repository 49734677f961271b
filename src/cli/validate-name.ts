import { Command, Option } from 'commander';
import { PROVIDER_IDS, PROVIDERS } from '../providers';
import { ExitCode, printJson, say } from './output';

export function validateNameCommand(): Command {
  return new Command('validate-name')
    .description("Check a display name against the providers' CNAM rules, before any API call")
    .argument('<name>', 'the caller name to check (quote it)')
    .addOption(new Option('--provider <provider>', 'check for one provider only (default: all)').choices(PROVIDER_IDS))
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      `\nExit code 0 when the name is valid for the provider(s) checked, 1 when it is not.\n\nExample:\n  cnam validate-name "Pacific Dental" --provider ${PROVIDER_IDS[0]}`,
    )
    .action((name: string, opts: { provider?: string; json?: boolean }) => {
      const providers = PROVIDERS.filter((p) => !opts.provider || p.id === opts.provider);
      const results = providers.map((p) => ({ provider: p.id, ...p.checkName(name) }));
      const valid = results.every((r) => r.ok);
      if (opts.json) {
        printJson({ name, valid, validFor: results.filter((r) => r.ok).map((r) => r.provider), results });
      } else {
        for (const r of results) {
          if (r.ok) say(`✔ ${r.provider}: "${r.normalized}" is valid`);
          else for (const v of r.violations) say(`✘ ${r.provider} [${v.rule}]: ${v.message}`);
        }
      }
      process.exitCode = valid ? ExitCode.Ok : ExitCode.Failed;
    });
}
