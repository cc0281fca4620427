/**
 * What the library's own code needs of a LaneSimulator and its users must not see: the mesh a simulator
 * reads, and a way to build one from a mesh. Kept off the public class, so the published types expose
 * neither the mesh nor a private module path.
 */
import { Mesh } from './route-table';

const meshes = new WeakMap<object, Mesh>();
let factory: ((mesh: Mesh) => object) | undefined;

/** Called once by simulation.ts: how to build a LaneSimulator from a mesh. */
export function registerSimulatorFactory(make: (mesh: Mesh) => object): void {
  factory = make;
}

/** Records the mesh a simulator reads (called by its constructor). */
export function attachMesh(simulator: object, mesh: Mesh): void {
  meshes.set(simulator, mesh);
}

/** The mesh a simulator reads. */
export function meshOf(simulator: object): Mesh {
  const mesh = meshes.get(simulator);
  if (!mesh) throw new Error('not a LaneSimulator');
  return mesh;
}

/** A simulator over `mesh` (typed by the caller: the public class is not imported here, to keep the graph acyclic). */
export function simulatorFromMesh<T extends object>(mesh: Mesh): T {
  if (!factory) throw new Error('LaneSimulator is not loaded');
  return factory(mesh) as T;
}
