import { callUnary, clientArgs, UnavailableError, type ClientOptions } from '../core/index.js';
import {
  loadProto,
  type HealthClient,
  type HealthProto,
  type NodeClient,
  type NodeProto,
} from '../proto/index.js';

interface Conn {
  address: string;
  node: NodeClient;
  health: HealthClient;
}

/** The head's clients of each worker's Node and Health services, one channel per worker address. */
export class NodeConnections {
  private readonly conns = new Map<string, Conn>();
  private readonly nodeProto = loadProto<NodeProto>('node');
  private readonly healthProto = loadProto<HealthProto>('health');

  constructor(private readonly opts: ClientOptions) {}

  /** The clients of a node (created on first use; replaced when its address changed). */
  get(nodeId: string, address: string): Conn {
    const c = this.conns.get(nodeId);
    if (c && c.address === address) return c;
    if (c) this.drop(nodeId);
    const [creds, options] = clientArgs(this.opts);
    const node = new this.nodeProto.twist.v1.Node(address, creds, options);
    const health = new this.healthProto.grpc.health.v1.Health(address, creds, {
      ...options,
      channelOverride: node.getChannel(),
    });
    const conn = { address, node, health };
    this.conns.set(nodeId, conn);
    return conn;
  }

  /**
   * One grpc.health.v1 Check of the node. @throws UnavailableError (not SERVING, or the check failed)
   */
  async check(nodeId: string, address: string, timeoutMs: number): Promise<void> {
    const { health } = this.get(nodeId, address);
    const rep = await callUnary(health, 'Check', { service: '' }, `health check of ${address}`, {
      timeoutMs,
    });
    if (rep.status !== 'SERVING') throw new UnavailableError(`${address} reports ${String(rep.status)}`);
  }

  /** Closes a node's channel (idempotent). */
  drop(nodeId: string): void {
    const c = this.conns.get(nodeId);
    if (!c) return;
    this.conns.delete(nodeId);
    c.node.close();
  }

  /** Closes every channel. */
  close(): void {
    for (const id of [...this.conns.keys()]) this.drop(id);
  }
}
