// A local RabbitMQ cluster of private nodes (own names, ports and directories; one cookie), joined with
// `rabbitmqctl join_cluster`, for the fault suite's node-loss run (`FAULTS_RABBIT_NODES=3`).
import { join } from 'node:path';
import { rabbitNode, type RabbitNode } from './deps.js';

export interface RabbitCluster {
  nodes: RabbitNode[];
  /** Every node's AMQP URL, comma-separated: what `AMQP_URL` takes for a cluster. */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function rabbitCluster(dir: string, size: number, cookie: string, tag: string): Promise<RabbitCluster> {
  const nodes: RabbitNode[] = [];
  for (let i = 1; i <= size; i++)
    nodes.push(await rabbitNode({ nodeName: `chorus-faults-${tag}-${i}@localhost`, dir: join(dir, `rabbit-${i}`), cookie }));
  return {
    nodes,
    url: nodes.map((n) => n.url).join(','),
    async start() {
      await Promise.all(nodes.map((n) => n.start()));
      const [first, ...others] = nodes;
      for (const node of others) {
        await node.ctl('stop_app');
        await node.ctl('join_cluster', first!.nodeName);
        await node.ctl('start_app');
      }
      const status = await first!.ctl('cluster_status', '--formatter', 'json');
      const running = (JSON.parse(status) as { running_nodes?: string[] }).running_nodes ?? [];
      if (running.length !== size) throw new Error(`cluster has ${running.length} running nodes, expected ${size}: ${status}`);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
