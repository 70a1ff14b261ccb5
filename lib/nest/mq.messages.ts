/** Texts of bootstrap errors and warnings (kept apart so that the wording stays consistent). */

/** Every module-option error names its connection: with several, "default" is one of them. */
function where(connection: string): string {
  return ` (connection "${connection}")`;
}

export function invalidModuleOption(connection: string, option: string, problem: string): string {
  return `MQModule: option "${option}" ${problem}${where(connection)}`;
}

export function invalidConsumerOption(consumer: string, option: string, problem: string): string {
  return `MQModule: consumer "${consumer}": option "${option}" ${problem}`;
}

export function unknownConnection(consumer: string, connection: string, known: string[]): string {
  const list = known.length ? known.map((k) => `"${k}"`).join(', ') : 'none';
  return (
    `MQModule: consumer "${consumer}" uses connection "${connection}", which no ` +
    `MQModule.forRoot()/forRootAsync() registers (registered: ${list})`
  );
}

export function duplicateSubscription(a: string, b: string, key: string): string {
  return (
    `MQModule: consumers "${a}" and "${b}" both subscribe ${key}; each message would be ` +
    `handled by only one of them at random. Use another group for one of them`
  );
}

export function duplicateName(name: string): string {
  return (
    `MQModule: two consumers or transaction checkers are named "${name}" (a class provided by ` +
    `two modules, two classes of the same name, or a method decorated twice); give one a ` +
    `distinct \`name\` or provide the class once`
  );
}

export function inconsistentTags(a: string, b: string, topic: string, group: string): string {
  return (
    `consumers "${a}" and "${b}" read topic "${topic}" with group "${group}" using different tag ` +
    `filters; the broker expects one subscription per group, so prefer one group per filter`
  );
}

export function timeoutOverWindow(consumer: string, timeoutMs: number, windowMs: number): string {
  return (
    `consumer "${consumer}": handlerTimeoutMs ${timeoutMs} is not below the broker's ` +
    `${windowMs / 1000} s invisibility window; a handler that runs that long loses its receipt ` +
    `handle and the message is delivered again while it still runs`
  );
}

export function requestScopedConsumer(name: string): string {
  return `consumer "${name}" is request-scoped: a new instance tree is created for every message`;
}

export function unknownOverride(name: string, connection: string): string {
  return `option "consumers" of connection "${connection}" names "${name}", which is no consumer of it`;
}

export function duplicateConnection(name: string): string {
  return (
    `connection "${name}" is registered more than once (MQModule.forRoot called twice with the ` +
    `same name); consumers use the first registration`
  );
}

export function consumerStartLine(
  cls: string,
  topic: string,
  tags: string[] | undefined,
  group: string,
  concurrency: number,
  batchSize: number,
  waitSeconds: number,
  orderly: boolean,
): string {
  const tag = tags ? `[${tags.join('||')}]` : '';
  return (
    `${cls} → ${topic}${tag} @ ${group} (concurrency ${concurrency}, batch ${batchSize}, ` +
    `wait ${waitSeconds}s${orderly ? ', orderly' : ''})`
  );
}
