/** The smallest company the generator writes: below it, not every kind of mess the model plants fits. */
export const MIN_PEOPLE = 40
