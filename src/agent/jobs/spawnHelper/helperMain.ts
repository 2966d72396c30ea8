/** Entry of the spawn helper when it runs from the source the agent bundle carries (scripts/build-agent.mjs). */
import { runSpawnHelper } from './runSpawnHelper';

runSpawnHelper();
