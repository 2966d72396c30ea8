import { agentChannelPath, ConflictError } from '../../../shared';
import { bearerToken } from '../../auth/authenticate';
import type { CallerHandler, RouteHandlers } from '../routeHandler';
import { claimWithLongPoll } from './claimWithLongPoll';

type WorkerRoute = 'registerWorker' | 'listWorkers' | 'getWorker' | 'heartbeat' | 'claim' | 'setWorkerState' | 'startWorker' | 'stopWorker' | 'deregisterWorker' | 'gpuHistory';

const heartbeat: CallerHandler<'heartbeat'> = ({ params, body }, { coordinator, hub }) => {
  const reply = coordinator.heartbeat(params.id, body);
  if (body.gpu_samples.length > 0) hub.publishGpu(params.id, body.gpu_samples);
  return reply;
};

const claim: CallerHandler<'claim'> = async ({ params, body, hangup, credentialStands }, { coordinator, jobTokens, closing, parkedClaims }) => {
  // Stop waiting when the agent hangs up or the server closes, whichever comes first.
  const signal = AbortSignal.any([closing, hangup]);
  const leave = body.wait_ms > 0 ? parkedClaims.enter(params.id) : () => undefined;
  let claimed;
  try {
    claimed = await claimWithLongPoll(coordinator, params.id, { max: body.max, free: body.free }, body.wait_ms, signal, credentialStands);
  } finally {
    leave();
  }
  const jobs = claimed.jobs.map((job) => ({ ...job, token: jobTokens.issue(job.job.id, job.attempt) }));
  return claimed.news ? { jobs, heartbeat_now: true } : { jobs };
};

/** The calls an agent makes per job, which the agent channel carries too (they need nothing of HTTP). */
export const workerCallerHandlers = { heartbeat, claim };

export const workerHandlers: RouteHandlers<WorkerRoute> = {
  registerWorker: ({ body, principal, request }, { coordinator, agentChannel }) => {
    // The holder of a worker credential registers again under its id and keeps the credential;
    // any other caller enrols, and the credential issued is bound to the token it enrolled with.
    const presented = principal?.worker_id ? bearerToken(request.headers.authorization) : undefined;
    const registered = coordinator.registerWorker(body, presented ? { credential: presented } : { enrolledBy: principal?.token_id ?? null });
    const credential = registered.credential ?? (presented as string);
    return agentChannel ? { ...registered, credential, channel: agentChannelPath(registered.id) } : { ...registered, credential };
  },
  listWorkers: (_, { coordinator }) => coordinator.listWorkers(),
  getWorker: ({ params }, { coordinator }) => coordinator.getWorker(params.id),
  heartbeat,
  claim,
  setWorkerState: ({ params, body }, { coordinator }) => coordinator.setWorkerState(params.id, body.state),
  startWorker: async ({ params }, { coordinator, localWorker }) => {
    const worker = coordinator.getWorker(params.id);
    if (!localWorker || localWorker.workerId() !== worker.id) {
      throw new ConflictError(`worker ${worker.name} is not this coordinator's local worker; start its agent on its host (${worker.hostname})`, 'id');
    }
    if (localWorker.running()) throw new ConflictError(`worker ${worker.name} is already running`, 'id');
    await localWorker.start();
    return coordinator.getWorker(params.id);
  },
  stopWorker: ({ params }, { coordinator }) => coordinator.requestWorkerStop(params.id),
  deregisterWorker: ({ params }, { coordinator }) => {
    coordinator.deregisterWorker(params.id);
    return { ok: true };
  },
  gpuHistory: ({ params, query }, { coordinator }) => {
    // An unknown worker is a 404, not an empty history.
    coordinator.getWorker(params.id);
    return coordinator.gpuHistory(params.id, query.since);
  },
};
