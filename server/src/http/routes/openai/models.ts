/**
 * The scopes a client of the OpenAI-compatible endpoint chooses by `model`. Today the library is one scope,
 * `pagewise`; collections are to join as `pagewise/<collection-slug>`, each resolving to its documents. An id that
 * names no scope is a 404 `model_not_found`, as OpenAI answers for a model it does not have.
 */
import { LIBRARY_MODEL_ID } from '@pagewise/shared';
import { modelNotFound } from '../../../errors.js';

export interface Scope {
  id: string;
  /** The documents answers are drawn from; undefined = the whole library. */
  documentIds?: string[];
}

export class ModelScopes {
  /** `created` of every listed model: when this server started (seconds). */
  private readonly created = Math.floor(Date.now() / 1000);

  list(): Scope[] {
    return [{ id: LIBRARY_MODEL_ID }];
  }

  resolve(id: string): Scope {
    const scope = this.list().find((s) => s.id === id);
    if (!scope) throw modelNotFound(id, this.list().map((s) => s.id));
    return scope;
  }

  /** A model object of GET /v1/models. */
  describe(scope: Scope) {
    return { id: scope.id, object: 'model' as const, created: this.created, owned_by: 'pagewise' };
  }
}
