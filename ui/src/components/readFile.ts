/** A file the person picked, read as the inbox composer reads one (bytes in base64). */
export interface Picked { name: string; mime: string; data: string; size: number }

export function readFile(file: File): Promise<Picked> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({
      name: file.name, mime: file.type || "application/octet-stream", size: file.size,
      data: String(reader.result).replace(/^data:[^,]*,/, ""),
    });
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
