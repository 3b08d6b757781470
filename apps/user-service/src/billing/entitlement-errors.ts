import { DomainError } from '@engage/errors';

/** PATCH /v1/tenant asked to switch on a module the tenant's plan does not include. */
export class ModuleNotInPlanError extends DomainError {
  constructor(plan: string, modules: string[]) {
    super('module_not_in_plan', 403, `Not included in the ${plan} plan: ${modules.join(', ')}. Upgrade the plan to use it.`, { plan, modules });
  }
}

/** A route of a module the tenant's plan does not include, or that an admin switched off. */
export class ModuleNotEnabledError extends DomainError {
  constructor(module: string) {
    super('module_not_enabled', 403, `The ${module} module is not enabled for this account.`, { module });
  }
}

/** Every paid seat is taken: deactivate someone or buy seats before adding a user. */
export class SeatLimitError extends DomainError {
  constructor(used: number, paid: number) {
    super('seat_limit', 422, `All ${paid} seats are in use; buy more seats or deactivate a user first.`, { seats_used: used, seats_paid: paid });
  }
}
