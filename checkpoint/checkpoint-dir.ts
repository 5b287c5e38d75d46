import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The pointer file in a checkpoint root naming the newest committed checkpoint directory. */
export const LATEST_FILE = 'LATEST';

const STEP_DIR = /^step-(\d+)$/;
const STAGING_DIR = /^\.step-\d+\.[0-9a-f]+\.staging$/;
const REPLACED_DIR = /^\.step-\d+\.[0-9a-f]+\.replaced$/;

/** `step-<n>`. */
export function stepDirName(step: number): string {
  return `step-${step}`;
}

/** `shard-00001-of-00004.bin` for rank 1 of 4. */
export function shardFileName(rank: number, worldSize: number): string {
  const p = (n: number): string => String(n).padStart(5, '0');
  return `shard-${p(rank)}-of-${p(worldSize)}.bin`;
}

/** A fresh, unique name for the directory a checkpoint is written into before its commit. */
export function stagingDirName(step: number): string {
  return `.step-${step}.${randomBytes(6).toString('hex')}.staging`;
}

/** A fresh name for a committed `step-<n>` set aside because the same step is committed again. */
export function replacedDirName(step: number): string {
  return `.step-${step}.${randomBytes(6).toString('hex')}.replaced`;
}

/** Whether `name` is a directory set aside by {@link replacedDirName}. */
export function isReplacedDirName(name: string): boolean {
  return REPLACED_DIR.test(name);
}

/** The step of a `step-<n>` directory name, or undefined for any other name. */
export function stepOfDirName(name: string): number | undefined {
  const m = STEP_DIR.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Whether `name` is a staging directory (an uncommitted save). */
export function isStagingDirName(name: string): boolean {
  return STAGING_DIR.test(name);
}

/** The `step-<n>` directories of `root`, newest step first ([] when `root` does not exist). */
export async function listStepDirs(root: string): Promise<{ name: string; step: number }[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, step: stepOfDirName(name) }))
    .filter((e): e is { name: string; step: number } => e.step !== undefined)
    .sort((a, b) => b.step - a.step);
}

/** The directory name `root/LATEST` points to, or undefined when there is none or it is not a step dir. */
export async function readLatest(root: string): Promise<string | undefined> {
  try {
    const name = (await readFile(path.join(root, LATEST_FILE), 'utf8')).trim();
    return stepOfDirName(name) === undefined ? undefined : name;
  } catch {
    return undefined;
  }
}
