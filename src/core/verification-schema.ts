/** The `verifying` step's outcome in zod, for the workflows' result contracts, the API document and the typed client. */
import { z } from 'zod';
import { DIP_CLASSES, VERIFICATION_OUTCOMES } from './verification';

const time = z.iso.datetime();

export const dipRecordSchema = z.object({
  callerName: z.string().nullable(),
  callerType: z.string().nullable(),
  errorCode: z.number().int().nullable(),
  classification: z.enum(DIP_CLASSES),
  at: time,
});

export const verificationSchema = z
  .object({
    outcome: z.enum(VERIFICATION_OUTCOMES),
    summary: z.string(),
    boundMs: z.number().int().min(0),
    dips: z.number().int().min(0),
    numbers: z.array(
      z.object({
        number: z.string(),
        outcome: z.enum(VERIFICATION_OUTCOMES),
        summary: z.string(),
        showingSince: time.nullable(),
        lastDip: dipRecordSchema.nullable(),
        dips: z.number().int().min(0),
      }),
    ),
    nextDipAt: time.nullable(),
  })
  .meta({
    description:
      'What CNAM dips (Twilio Lookup caller_name) say the network shows: `showing`, `not-showing` after the bound, `unverifiable` (Lookup cannot answer for the number), `skipped` (no Lookup credentials, or verifyFor 0), `checking` while dipping.',
  });
