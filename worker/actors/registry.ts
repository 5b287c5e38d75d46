import { InvalidArgumentError } from '../../core/index.js';
import type { ActorClass } from './actor-class.js';
import { CounterActor } from './counter-actor.js';
import { EchoActor } from './echo-actor.js';
import { EvaluatorActor } from './evaluator-actor.js';
import { LoaderActor } from './loader-actor.js';
import { TrainerActor } from './trainer-actor.js';

/**
 * The actor classes a worker can host, by name. No code travels over the wire: a CreateActor names
 * one of these. The TWIST actors (loader, trainer, evaluator) register here too.
 */
const REGISTRY = new Map<string, ActorClass>();

/** Adds a class (its name must be new). @throws InvalidArgumentError on a duplicate. */
export function registerActorClass(cls: ActorClass): void {
  if (REGISTRY.has(cls.name)) throw new InvalidArgumentError(`actor class '${cls.name}' is registered twice`);
  REGISTRY.set(cls.name, cls as ActorClass);
}

/** The class named `name`. @throws InvalidArgumentError naming the known classes. */
export function actorClass(name: string): ActorClass {
  const c = REGISTRY.get(name);
  if (!c)
    throw new InvalidArgumentError(
      `unknown actor class '${name}' (this worker has: ${[...REGISTRY.keys()].join(', ')})`,
    );
  return c;
}

/** Names of the registered classes. */
export const actorClassNames = (): string[] => [...REGISTRY.keys()];

registerActorClass(EchoActor as ActorClass);
registerActorClass(CounterActor as ActorClass);
registerActorClass(LoaderActor as ActorClass);
registerActorClass(TrainerActor as ActorClass);
registerActorClass(EvaluatorActor as ActorClass);
