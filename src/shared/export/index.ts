export * from './jobModel';
export * from './shellScript';
export * from './sbatch';
export * from './kubernetes';
export * from './runai';
export * from './kubernetesPilots';
