// Failure injection: the next n phases matching (operation, phase) fail with a realistic error.
import { randomUUID } from 'node:crypto';

/** Operations a fault can target (`Abort` is its own operation here, unlike in progress). */
export const FAULT_OPERATIONS = [
  'Bootstrap',
  'Converge',
  'Check',
  'Destroy',
  'Abort',
  'CommanderAttach',
  'CommanderDetach',
] as const;

/** An operation a fault can target. */
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** A registered fault. */
export type Fault = {
  id: string;
  operation: FaultOperation;
  /** Phase name (`BaseInfra`, `CheckInfra`…); `null` matches the first phase of the operation. */
  phase: string | null;
  /** Remaining matches. */
  times: number;
  /** Error text; `null` = a realistic default for the phase. */
  message: string | null;
  createdAt: string;
};

const DEFAULT_MESSAGES: Record<string, string> = {
  PreInfraPreflights:
    'preflight check failed: ssh: connect to host {host} port 22: connection timed out',
  BaseInfra:
    'infrastructure apply failed: error creating instance: rpc error: code = ResourceExhausted desc = Quota limit vpc.networks.count exceeded',
  PostInfraPreflights:
    'preflight check failed: registry is not reachable from the master node: i/o timeout',
  InstallKubernetes: 'bashible bundle execution failed on {host}: exit status 1',
  InstallDeckhouse:
    'install deckhouse: timeout while waiting for the deckhouse pod to become ready: context deadline exceeded',
  InstallAdditionalMastersAndStaticNodes:
    'create additional master: timeout waiting for node to become Ready',
  CreateResources:
    'create resources: ModuleConfig "commander-agent": Internal error occurred: failed calling webhook "moduleconfigs.deckhouse.io": connection refused',
  ExecPostBootstrap: 'post-bootstrap script failed: exit status 2',
  Finalization:
    'finalization: cannot update d8-cluster-terraform-state secret: etcdserver: request timed out',
  Check:
    'check: cannot get cluster state: the server was unable to return a response in the time allotted',
  CheckInfra:
    'check infrastructure: infrastructure plan failed: Error: failed to read provider schema',
  CheckConfiguration:
    'check configuration: get secret d8-cluster-configuration: connection reset by peer',
  AllNodes: 'converge nodes: node group "master": timeout waiting for node to become Ready',
  ScaleToMultiMaster:
    'scale to multi-master: etcd member add failed: etcdserver: unhealthy cluster',
  DeckhouseConfiguration:
    'update d8-cluster-configuration secret: Operation cannot be fulfilled: the object has been modified',
  CommanderUUIDWasChecked: 'get configmap d8-commander-uuid: connection refused',
  DeleteResources: 'delete resources: timeout waiting for pvc deletion',
  SetDeckhouseResourcesDelete: 'disable deckhouse: deployment "deckhouse" is not ready',
  CreateStaticDestroyerNodeUser:
    'create NodeUser: the server could not find the requested resource',
  UpdateStaticDestroyerIPs: 'update static destroyer IPs: no route to host',
  WaitStaticDestroyerNodeUser: 'wait for NodeUser: timeout',
  Scan: 'scan: ssh: handshake failed: ssh: unable to authenticate',
  Capture: 'capture: create resources: connection reset by peer',
  Detach: 'detach: delete resources: the server is currently unable to handle the request',
};

/** The default error text of a failing phase, with `{host}` filled in. */
export function defaultFaultMessage(phase: string, host: string): string {
  return (DEFAULT_MESSAGES[phase] ?? `${phase}: simulated failure`).replaceAll('{host}', host);
}

/** Registered faults, consumed as operations reach matching phases. */
export class FaultRegistry {
  #faults: Fault[] = [];

  /** Registers a fault. */
  add(input: {
    operation: FaultOperation;
    phase?: string | null;
    times?: number;
    message?: string | null;
  }): Fault {
    const fault: Fault = {
      id: randomUUID(),
      operation: input.operation,
      phase: input.phase ?? null,
      times: input.times ?? 1,
      message: input.message ?? null,
      createdAt: new Date().toISOString(),
    };
    this.#faults.push(fault);
    return { ...fault };
  }

  /** The registered faults with matches left. */
  list(): Fault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  /** Removes every fault; returns how many there were. */
  clear(): number {
    const count = this.#faults.length;
    this.#faults = [];
    return count;
  }

  /**
   * Consumes one match for a phase about to run. `isFirstPhase` lets phase-less faults hit
   * the first phase of the operation. Returns the fault (with its remaining count) or `null`.
   */
  take(operation: FaultOperation, phase: string, isFirstPhase: boolean): Fault | null {
    const fault = this.#faults.find(
      (candidate) =>
        candidate.operation === operation &&
        (candidate.phase === phase || (candidate.phase === null && isFirstPhase)),
    );
    if (!fault) {
      return null;
    }
    fault.times -= 1;
    if (fault.times <= 0) {
      this.#faults = this.#faults.filter((candidate) => candidate !== fault);
    }
    return { ...fault };
  }
}
