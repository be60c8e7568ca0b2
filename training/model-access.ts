/**
 * Who may read a stored model's metadata and evaluation report (`fedcredit model show`): the
 * coordinator's own operator, and the operator of the model's label holder (the bank site),
 * which holds the labels and computed the report itself (evaluation/), so reading it back
 * tells it nothing new. Every other operator is refused: a passive site learns no metric of a
 * model it helped train. lib/rpc-roles.ts lets every operator reach Training.GetModel because
 * the table cannot know the model; this check, run on the stored model, is the rule.
 */
import { FedcreditError } from '../lib/errors.js';
import type { PartyIdentity } from '../lib/federation-ca.js';
import type { ModelMetadata } from './model-registry.js';

/** The model's label holder: the site whose role in the job was `bank`. */
export function labelHolderOf(model: ModelMetadata): string | undefined {
  return model.sites.find((s) => s.role === 'bank')?.site;
}

/**
 * Why `caller` may not read `model` at the coordinator `self`, or undefined when it may.
 * `caller` undefined means an insecure test transport, which has no identities to check.
 */
export function modelReadRefusal(caller: PartyIdentity | undefined, self: PartyIdentity | undefined, model: ModelMetadata): FedcreditError | undefined {
  if (!caller || !self || caller.name === self.name) return undefined;
  const holder = labelHolderOf(model);
  if (caller.role === 'operator' && holder !== undefined && caller.name === holder) return undefined;
  return new FedcreditError('IDENTITY_MISMATCH', `Training.GetModel: model ${model.modelVersion} may be read by operator/${self.name} and by the operator of its label holder ` +
    `(${holder ?? 'none recorded'}), not by ${caller.role}/${caller.name}`);
}

/** Whether the caller is the coordinator's own operator (who may also learn which versions exist). */
export function isCoordinatorReader(caller: PartyIdentity | undefined, self: PartyIdentity | undefined): boolean {
  return !caller || !self || caller.name === self.name;
}
