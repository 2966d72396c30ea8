import { chmodSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../shared';

const FILE = 'worker-credential.json';

interface Saved {
  url: string;
  credential: string;
}

/**
 * The secret this agent authenticates with: the worker credential registering returned, kept in
 * the spool dir (0600) so a restarted agent keeps its worker id; the enrolment token until then,
 * or again when the coordinator no longer knows the credential (another coordinator, a wiped data dir).
 */
export class WorkerCredential {
  private credential: string | undefined;
  private readonly file: string;

  constructor(
    dir: string,
    private readonly url: string,
    private readonly enrolmentToken: string,
  ) {
    this.file = join(dir, FILE);
    this.credential = this.load();
  }

  /** What to send as the bearer token now. */
  get token(): string {
    return this.credential ?? this.enrolmentToken;
  }

  get held(): boolean {
    return this.credential !== undefined;
  }

  save(credential: string): void {
    if (credential === this.credential) return;
    this.credential = credential;
    const saved: Saved = { url: this.url, credential };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved), { mode: 0o600 });
    chmodSync(`${this.file}.tmp`, 0o600);
    renameSync(`${this.file}.tmp`, this.file);
  }

  /** True (and the credential dropped, so the next try enrols afresh) when the coordinator refused the saved credential. */
  refusedBy(error: unknown): boolean {
    if (this.credential === undefined || !(error instanceof ApiError) || error.status !== 401) return false;
    this.credential = undefined;
    try {
      unlinkSync(this.file);
    } catch {
      // Already gone: nothing to forget.
    }
    return true;
  }

  private load(): string | undefined {
    try {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Saved>;
      // A credential belongs to one coordinator; another URL means enrolling there afresh.
      return saved.url === this.url && typeof saved.credential === 'string' ? saved.credential : undefined;
    } catch {
      return undefined;
    }
  }
}
