export * from './entry-point';
export * from './lane';
export * from './lane-routing';
export * from './match';
export * from './mode';
export * from './rule';
export * from './simulation';
export * from './target';
