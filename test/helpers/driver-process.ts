/**
 * A driver in its own process for tests: connects to the cluster (argv: head, token file), creates
 * one owned and one detached echo actor, prints their ids as a JSON line and waits to be killed.
 */
import { readFileSync } from 'node:fs';
import { ClusterClient } from '../../client/index.js';

const [head, tokenFile] = process.argv.slice(2);
const client = await ClusterClient.connect({ head: head!, token: readFileSync(tokenFile!, 'utf8').trim() });
const owned = await client.createActor('echo');
const detached = await client.createActor('echo', null, { detached: true });
await Promise.all([owned.ready(30_000), detached.ready(30_000)]);
process.stdout.write(`${JSON.stringify({ owned: owned.id, detached: detached.id, jobId: client.jobId })}\n`);
setInterval(() => undefined, 1 << 30);
