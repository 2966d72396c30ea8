import type { TokenScope } from '../../shared';

/** Who a request acts as, once its token checks out. */
export interface Principal {
  scope: TokenScope;
  /** Set for job tokens: the one job the caller may touch. */
  job_id: number | null;
}
