/**
 * What Nest computed for one handler's pipeline while building it (guards, interceptors, filters,
 * pipes and the parameters it resolves), counted by the dispatch tracker's probe
 * (dispatch.tracker.ts); an empty one runs without Nest's machinery (pipeline.direct.ts).
 */
/** One parameter as Nest prepared it for its pipes step (`createPipesFn`'s `paramsOptions`). */
export interface ProbedParam {
  index: number;
  extractValue: (...args: unknown[]) => unknown;
  pipes?: unknown;
}

/** What Nest computed for one handler's pipeline: counts of each step (-1: not seen). */
export interface PipelineProbe {
  guards: number;
  interceptors: number;
  filters: number;
  /** Global, class and method pipes (parameter pipes are in `params`). */
  pipes: number;
  params: readonly ProbedParam[] | undefined;
}

export function newPipelineProbe(): PipelineProbe {
  return { guards: -1, interceptors: -1, filters: -1, pipes: -1, params: undefined };
}

/** True when every step was seen and is empty. */
export function isEmptyPipeline(probe: PipelineProbe): boolean {
  const { guards, interceptors, filters, pipes, params } = probe;
  if (guards !== 0 || interceptors !== 0 || filters !== 0 || pipes !== 0) return false;
  if (params === undefined) return false;
  for (const param of params) {
    if (!Array.isArray(param.pipes) || param.pipes.length > 0) return false;
    if (typeof param.extractValue !== 'function' || !Number.isInteger(param.index)) return false;
  }
  return true;
}
