-- AlterTable
ALTER TABLE "cluster_operations" ADD COLUMN     "manager_instance_id" TEXT;

-- AlterTable
ALTER TABLE "manager_replicas" ADD COLUMN     "instance_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "cluster_operations_one_running_per_cluster" ON "cluster_operations"("cluster_id") WHERE (status = 'RUNNING');


