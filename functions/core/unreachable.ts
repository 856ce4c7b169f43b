/**
 * The default of an exhaustive switch over a closed set (actions, commands, outcomes): a value the switch
 * does not handle fails to compile here, so a new member cannot be silently treated as an old one.
 */
const unreachable = (value: never): never => {
  throw new Error(`unhandled case: ${String(value)}`);
};

export { unreachable };
