// Prints this machine's native platform suffix (linux-x64-gnu, ...): the same rule as
// nativeTarget() in ts/backend/native-backend.ts (test/backend/native-backend.test.ts checks they agree).
const { platform, arch } = process;
let target = `${platform}-${arch}`;
if (platform === 'win32') target = `win32-${arch}-msvc`;
if (platform === 'linux')
  target = `linux-${arch}-${process.report?.getReport()?.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
console.log(target);
